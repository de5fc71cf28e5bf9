export function BoardPage({ id }: { id: string; signedIn: boolean }) {
  return <p>Board {id}</p>;
}
