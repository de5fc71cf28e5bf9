export function AssetViewer({ id }: { id: string; signedIn: boolean }) {
  return <p>Asset {id}</p>;
}
