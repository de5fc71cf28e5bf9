export function GuestEntry(_: { token: string; signedIn: boolean }) {
  return <p>Share link</p>;
}
