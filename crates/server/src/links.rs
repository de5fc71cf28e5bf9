//! Every link into the web app that the server hands out: in e-mails, in
//! share links and in API answers. The app's pages are declared once, in
//! `web/src/app/routes.json`, which the app routes by; this module builds
//! links to those pages and tells whether a path is one of them (the
//! others get a 404 page). `web/src/app/links.fixture.json` lists every
//! link shape built here; a test here and one in the web app check it.

use serde::Deserialize;
use std::sync::OnceLock;
use uuid::Uuid;

/// Builds absolute links on the address users reach (`CRITBOARD_PUBLIC_URL`).
pub struct Links {
    base: String,
}

impl Links {
    pub fn new(public_url: &str) -> Self {
        Links {
            base: public_url.trim_end_matches('/').to_owned(),
        }
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn board(&self, id: Uuid) -> String {
        self.at(&format!("/b/{id}"))
    }

    /// A picture or deck, opened at a thread (and the page it is on).
    pub fn asset(&self, id: Uuid, thread: Option<Uuid>, page: Option<u32>) -> String {
        let mut query = Vec::new();
        if let Some(t) = thread {
            query.push(format!("thread={t}"));
        }
        if let Some(p) = page {
            query.push(format!("page={p}"));
        }
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        self.at(&format!("/a/{id}{query}"))
    }

    pub fn invitation(&self, token: &str) -> String {
        self.at(&format!("/invite?token={token}"))
    }

    pub fn share(&self, token: &str) -> String {
        self.at(&format!("/s/{token}"))
    }

    pub fn verify_email(&self, token: &str) -> String {
        self.at(&format!("/verify-email?token={token}"))
    }

    pub fn reset_password(&self, token: &str) -> String {
        self.at(&format!("/reset-password?token={token}"))
    }

    /// The e-mail section of the settings.
    pub fn notification_settings(&self) -> String {
        self.at("/settings/notifications")
    }

    /// A server page (not the app): it works without signing in.
    /// The page that confirms a guest's address (served by the API, like
    /// the unsubscribe page).
    pub fn guest_email(&self, token: &str) -> String {
        self.at(&format!("/api/v1/guest-email/{token}"))
    }

    pub fn unsubscribe(&self, token: &str) -> String {
        self.at(&format!("/api/v1/unsubscribe/{token}"))
    }
}

#[derive(Deserialize)]
struct RouteTable {
    routes: Vec<Route>,
}

/// One page of the web app.
#[derive(Deserialize)]
pub struct Route {
    pub name: String,
    /// `/b/:id`: literal segments and `:id` (a UUID) or `:token`.
    pub path: String,
}

/// The web app's pages, from the table the app itself routes by.
pub fn routes() -> &'static [Route] {
    static TABLE: OnceLock<Vec<Route>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<RouteTable>(include_str!("../../../web/src/app/routes.json"))
            .map(|t| t.routes)
            .unwrap_or_default()
    })
}

/// The page of the web app a path shows, if any (the query is not part
/// of `path`).
pub fn route_of(path: &str) -> Option<&'static Route> {
    routes().iter().find(|r| matches(&r.path, path))
}

fn matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) => {
                let ok = match w {
                    ":id" => Uuid::try_parse(g).is_ok_and(|_| g.len() == 36),
                    ":token" => {
                        !g.is_empty()
                            && g.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
                    }
                    literal => literal == g,
                };
                if !ok {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("../../../web/src/app/links.fixture.json")).unwrap()
    }

    fn id(v: &Value) -> Uuid {
        v.as_str().unwrap().parse().unwrap()
    }

    /// Builds the link of one fixture entry from its values, with this module.
    fn build(links: &Links, entry: &Value) -> String {
        let params = &entry["params"];
        let query = &entry["query"];
        let token = || {
            query["token"]
                .as_str()
                .or(params["token"].as_str())
                .unwrap()
                .to_owned()
        };
        let thread = query.get("thread").map(id);
        let page = query
            .get("page")
            .map(|p| p.as_str().unwrap().parse().unwrap());
        match entry["link"].as_str().unwrap() {
            "board" => links.board(id(&params["id"])),
            "asset" | "asset_thread" | "asset_thread_page" => {
                links.asset(id(&params["id"]), thread, page)
            }
            "invitation" => links.invitation(&token()),
            "share" => links.share(&token()),
            "verify_email" => links.verify_email(&token()),
            "reset_password" => links.reset_password(&token()),
            "notification_settings" => links.notification_settings(),
            "unsubscribe" => {
                let url = entry["url"].as_str().unwrap();
                links.unsubscribe(url.rsplit('/').next().unwrap())
            }
            "guest_email" => {
                let url = entry["url"].as_str().unwrap();
                links.guest_email(url.rsplit('/').next().unwrap())
            }
            other => panic!("the fixture names a link this module does not build: {other}"),
        }
    }

    #[test]
    fn every_link_the_server_builds_matches_the_shared_fixture_and_route_table() {
        let f = fixture();
        let base = f["base"].as_str().unwrap();
        let links = Links::new(&format!("{base}/"));
        let entries = f["links"].as_array().unwrap();
        let kinds: Vec<&str> = entries
            .iter()
            .map(|e| e["link"].as_str().unwrap())
            .collect();
        for kind in [
            "board",
            "asset",
            "asset_thread",
            "asset_thread_page",
            "invitation",
            "share",
            "verify_email",
            "reset_password",
            "notification_settings",
            "unsubscribe",
            "guest_email",
        ] {
            assert!(kinds.contains(&kind), "the fixture lacks {kind}");
        }
        for e in entries {
            let url = e["url"].as_str().unwrap();
            assert_eq!(build(&links, e), format!("{base}{url}"), "{}", e["link"]);
            let path = url.split('?').next().unwrap();
            match e["route"].as_str() {
                Some(route) => {
                    let found = route_of(path).unwrap_or_else(|| panic!("no page for {url}"));
                    assert_eq!(found.name, route, "{url}");
                }
                None => assert!(path.starts_with("/api/v1/"), "{url} is no page of the app"),
            }
        }
    }

    #[test]
    fn only_the_apps_pages_are_pages() {
        assert!(!routes().is_empty(), "routes.json parses");
        for path in [
            "/",
            "/inbox",
            "/b/01936f4e-0000-7000-8000-0000000000b1",
            "/s/abc.DEF_-1",
        ] {
            assert!(route_of(path).is_some(), "{path}");
        }
        for path in [
            "/this/does/not/exist",
            "/b/not-a-uuid",
            "/b/01936f4e000070008000000000000b1",
            "/b/01936f4e-0000-7000-8000-0000000000b1/extra",
            "/inbox/",
            "/s/",
            "/boards/01936f4e-0000-7000-8000-0000000000b1",
        ] {
            assert!(route_of(path).is_none(), "{path}");
        }
    }
}
