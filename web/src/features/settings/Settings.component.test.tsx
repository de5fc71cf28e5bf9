// @vitest-environment happy-dom
import { cleanup, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, it } from "vitest";
import type { User } from "../../api/client";
import { noSettings } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { Settings } from "./Settings";

const server = standInNetwork();
afterEach(cleanup);

describe("settings", () => {
  it("shows the handle the server gives, the one mentions insert (not one made from the name)", async () => {
    server.use(
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/me/tokens", () => HttpResponse.json({ items: [] })),
    );
    // A second Ada Lovelace: the server numbered her handle.
    const user = {
      id: "u2", email: "ada2@example.com", display_name: "Ada Lovelace", handle: "adalovelace2", email_verified: true,
      is_admin: false, notification_frequency: "hourly", created_at: "",
    } as User;
    renderWithApp(<Settings user={user} onUser={() => {}} />);
    await screen.findByText("Shown on your comments. People mention you as @adalovelace2.");
  });
});
