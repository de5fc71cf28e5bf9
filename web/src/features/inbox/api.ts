// The inbox's requests: pages of notifications, the unread count, and
// marking read (the count in the top bar follows from the cache).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { client, data, type Schemas } from "../../api/client";
import { keys } from "../../api/keys";

type Inbox = Schemas["Inbox"];

export function useInbox(unreadOnly: boolean) {
  return useInfiniteQuery({
    queryKey: keys.inboxPage(unreadOnly),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => data(client.GET("/api/v1/notifications", {
      params: { query: { limit: 30, unread: unreadOnly || undefined, cursor: pageParam } },
    })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The unread count: read once, then kept current by the inbox stream. */
export function useUnreadCount() {
  return useQuery({
    queryKey: keys.unread,
    queryFn: async () => (await data(client.GET("/api/v1/notifications", {
      params: { query: { unread: true, limit: 1 } },
    }))).unread_count,
  });
}

/** Marks everything, or some notifications, read; the lists and the count follow. */
export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (what: { all: true } | { ids: string[] }) =>
      data(client.POST("/api/v1/notifications/read", { body: what })),
    onMutate: (what) => {
      const now = new Date().toISOString();
      const read = (n: Schemas["NotificationOut"]) =>
        "all" in what || what.ids.includes(n.id) ? { ...n, read_at: n.read_at ?? now } : n;
      qc.setQueriesData<InfiniteData<Inbox>>({ queryKey: ["inbox", "list"] }, (old) => old && {
        ...old,
        pages: old.pages.map((p) => ({ ...p, items: p.items.map(read) })),
      });
    },
    onSuccess: (r) => {
      qc.setQueryData(keys.unread, r.unread_count);
      void qc.invalidateQueries({ queryKey: keys.inboxPage(true) });
    },
  });
}
