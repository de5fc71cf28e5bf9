// @vitest-environment happy-dom
import { cleanup, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { VerifyEmail } from "./AccountLinks";

const server = standInNetwork();
afterEach(cleanup);
beforeEach(() => window.history.replaceState(null, "", "/verify-email?token=t1"));

const confirmed = (already: boolean) => http.post("*/api/v1/auth/verify-email", () =>
  HttpResponse.json({ email: "ada@example.com", email_verified: true, already_confirmed: already }));

describe("the confirmation link", () => {
  it("confirms the address the first time", async () => {
    server.use(confirmed(false));
    renderWithApp(<VerifyEmail />);
    await screen.findByText(/ada@example.com is confirmed, and Critboard will e-mail you/);
  });

  it("says the address is already confirmed when the link is opened again", async () => {
    server.use(confirmed(true));
    renderWithApp(<VerifyEmail />);
    await screen.findByText("ada@example.com is already confirmed. There is nothing more to do.");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
