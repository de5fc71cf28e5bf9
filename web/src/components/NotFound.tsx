// What an address that leads nowhere shows: what is missing, and a way on.
import { Link } from "./ui/kit";
import { href, signInHere } from "../lib/router";

export function NotFound({
  title = "There is no such page",
  detail = "The address may be mistyped, or the page has moved.",
  signedIn,
}: { title?: string; detail?: string; signedIn: boolean }) {
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{title}</h1>
      <p>{detail}</p>
      <p>
        <Link to={href("home")}>{signedIn ? "Go to your workspaces" : "Go to Critboard"}</Link>
        {!signedIn && <> · <Link to={signInHere()}>Sign in</Link></>}
      </p>
    </section>
  );
}
