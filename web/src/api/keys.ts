// One query key per resource. Keys nest (`["asset", id, "threads", …]`
// under `["asset", id]`), so an event that names a picture refreshes
// everything shown of it with one invalidation.
export const keys = {
  me: ["me"] as const,
  notificationSettings: ["me", "notification-settings"] as const,
  tokens: ["me", "tokens"] as const,
  workspaces: ["workspaces"] as const,
  workspace: (id: string) => ["workspace", id] as const,
  folders: (workspace: string) => ["workspace", workspace, "folders"] as const,
  boardList: (workspace: string, filter: Record<string, string | boolean | undefined>) =>
    ["workspace", workspace, "boards", filter] as const,
  board: (id: string) => ["board", id] as const,
  assets: (board: string) => ["board", board, "assets"] as const,
  people: (board: string) => ["board", board, "people"] as const,
  members: (board: string) => ["board", board, "members"] as const,
  shareLinks: (board: string) => ["board", board, "share-links"] as const,
  invitations: (workspace: string) => ["workspace", workspace, "invitations"] as const,
  workspaceMembers: (workspace: string) => ["workspace", workspace, "members"] as const,
  boardInvitations: (board: string) => ["board", board, "invitations"] as const,
  activity: (board: string) => ["board", board, "activity"] as const,
  /** The caller's draft review of a board, then its submitted ones. */
  reviews: (board: string) => ["board", board, "reviews"] as const,
  asset: (id: string) => ["asset", id] as const,
  threads: (asset: string, version: string) => ["asset", asset, "threads", version] as const,
  thread: (id: string) => ["thread", id] as const,
  /** Under the asset: a review event naming it refreshes the history. */
  decisions: (asset: string, version: string) => ["asset", asset, "decisions", version] as const,
  pages: (version: string) => ["version", version, "pages"] as const,
  renderProgress: (version: string) => ["version", version, "render-progress"] as const,
  /** What changed from `against` ("previous": the version before) on a page. */
  changes: (version: string, against: string, page: number) => ["version", version, "changes", against, page] as const,
  allChanges: (version: string) => ["version", version, "changes"] as const,
  /** A review record being made, then ready to download. */
  export: (id: string) => ["export", id] as const,
  inbox: ["inbox"] as const,
  inboxPage: (unreadOnly: boolean) => ["inbox", "list", unreadOnly] as const,
  unread: ["inbox", "unread"] as const,
  errors: ["admin", "errors"] as const,
  errorGroups: (all: boolean) => ["admin", "errors", "list", all] as const,
  errorGroup: (id: string) => ["admin", "errors", id] as const,
  performance: ["admin", "performance"] as const,
};
