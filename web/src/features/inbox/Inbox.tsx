export function Inbox() {
  return <p>Inbox</p>;
}
export function InboxBadge() {
  return null;
}
