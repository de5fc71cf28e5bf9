//! Optional copies of recorded errors for Sentry or GlitchTip
//! (`CRITBOARD_SENTRY_DSN`), grouped there by the same fingerprint as the
//! built-in list. Envelopes are posted with the HTTP client already used
//! for S3, off the request path.

use crate::errors::RELEASE;
use critboard_store::queries::errors::NewError;
use sentry_core::protocol::{Event, Level};
use sentry_core::types::Dsn;
use sentry_core::{ClientOptions, Envelope, Transport};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Clone)]
pub struct Sentry {
    client: Arc<sentry_core::Client>,
}

impl Sentry {
    pub fn new(dsn: &str) -> anyhow::Result<Sentry> {
        let dsn: Dsn = dsn
            .parse()
            .map_err(|e| anyhow::anyhow!("CRITBOARD_SENTRY_DSN is not a DSN: {e}"))?;
        critboard_files::install_tls();
        let transport = Arc::new(Post {
            http: reqwest13::Client::new(),
            url: dsn.envelope_api_url().to_string(),
            auth: dsn
                .to_auth(Some(concat!("critboard/", env!("CARGO_PKG_VERSION"))))
                .to_string(),
        });
        let mut options = ClientOptions::default();
        options.dsn = Some(dsn);
        options.release = Some(Cow::Borrowed(RELEASE));
        options.transport = Some(Arc::new(move |_: &ClientOptions| {
            transport.clone() as Arc<dyn Transport>
        }));
        Ok(Sentry {
            client: Arc::new(sentry_core::Client::from(options)),
        })
    }

    /// Sends one recorded error.
    pub fn send(&self, e: &NewError) {
        let mut event = Event {
            level: Level::Error,
            message: Some(e.message.clone()),
            fingerprint: Cow::Owned(vec![Cow::Owned(e.fingerprint.clone())]),
            culprit: (!e.location.is_empty()).then(|| e.location.clone()),
            transaction: if e.route.is_empty() {
                (!e.job_kind.is_empty()).then(|| format!("job {}", e.job_kind))
            } else {
                Some(format!("{} {}", e.method, e.route))
            },
            ..Default::default()
        };
        event.tags.insert("kind".into(), e.kind.clone());
        if !e.request_id.is_empty() {
            event.tags.insert("request_id".into(), e.request_id.clone());
        }
        self.client.capture_event(event, None);
    }
}

struct Post {
    http: reqwest13::Client,
    url: String,
    auth: String,
}

impl Transport for Post {
    fn send_envelope(&self, envelope: Envelope) {
        let mut body = Vec::new();
        if envelope.to_writer(&mut body).is_err() {
            return;
        }
        let request = self
            .http
            .post(&self.url)
            .header("X-Sentry-Auth", &self.auth)
            .header("Content-Type", "application/x-sentry-envelope")
            .body(body);
        // Called from within the runtime (errors are recorded in a task).
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = request.send().await {
                    tracing::warn!(error = %e, "could not send an error to Sentry");
                }
            });
        }
    }
}
