//! Retention: what only ever grew is pruned once of no further use, in
//! batches, and nothing still needed goes.

use crate::backend_tests;
use crate::helpers::TestApp;
use chrono::{Duration, Utc};
use critboard_store::entities::{email, email_token, idempotency_key, job, session};
use critboard_store::new_id;
use critboard_store::queries::retention::Pruned;
use critboard_store::sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

fn a_job(done_at: Option<chrono::DateTime<Utc>>, at: chrono::DateTime<Utc>) -> job::ActiveModel {
    job::ActiveModel {
        id: Set(new_id()),
        kind: Set("test".into()),
        payload: Set("{}".into()),
        unique_key: Set(None),
        run_at: Set(at),
        attempts: Set(1),
        max_attempts: Set(5),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        done_at: Set(done_at),
        created_at: Set(at),
    }
}

async fn retention_prunes_what_is_of_no_further_use(app: TestApp) {
    let ada = app.user("Ada").await;
    let user = Uuid::parse_str(&ada.id).unwrap();
    let db = app.store.conn();
    let now = app.store.now();
    let (old, recent) = (now - Duration::days(10), now - Duration::hours(2));

    // Jobs: finished long ago go (more than a batch of them); finished
    // lately, or never, stay.
    let mut gone_jobs = Vec::new();
    for chunk in 0..3 {
        let rows: Vec<job::ActiveModel> = (0..400).map(|_| a_job(Some(old), old)).collect();
        job::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .unwrap();
        let _ = chunk;
    }
    let kept_jobs = [
        a_job(Some(recent), recent).insert(db).await.unwrap().id,
        a_job(None, old).insert(db).await.unwrap().id,
    ];
    gone_jobs.push(a_job(Some(old), old).insert(db).await.unwrap().id);

    let mail = |sent: Option<chrono::DateTime<Utc>>| email::ActiveModel {
        id: Set(new_id()),
        user_id: Set(Some(user)),
        to_address: Set("ada@example.com".into()),
        kind: Set("test".into()),
        subject: Set("s".into()),
        text_body: Set("t".into()),
        html_body: Set("h".into()),
        unsubscribe_url: Set(None),
        created_at: Set(old),
        sent_at: Set(sent),
    };
    let gone_mail = mail(Some(old)).insert(db).await.unwrap().id;
    let kept_mail = [
        mail(None).insert(db).await.unwrap().id,
        mail(Some(recent)).insert(db).await.unwrap().id,
    ];

    let token = |used: Option<chrono::DateTime<Utc>>, expires: chrono::DateTime<Utc>| {
        email_token::ActiveModel {
            id: Set(new_id()),
            kind: Set("test".into()),
            token_hash: Set(new_id().simple().to_string()),
            user_id: Set(Some(user)),
            workspace_id: Set(None),
            email: Set("ada@example.com".into()),
            payload: Set("{}".into()),
            created_by: Set(None),
            expires_at: Set(expires),
            used_at: Set(used),
            created_at: Set(old),
        }
    };
    let gone_tokens = [
        token(Some(old), now + Duration::days(1))
            .insert(db)
            .await
            .unwrap()
            .id,
        token(None, old).insert(db).await.unwrap().id,
    ];
    let kept_tokens = [
        token(None, now + Duration::days(1))
            .insert(db)
            .await
            .unwrap()
            .id,
        token(Some(recent), now + Duration::days(1))
            .insert(db)
            .await
            .unwrap()
            .id,
    ];

    let a_session = |expires: chrono::DateTime<Utc>| session::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user),
        token_hash: Set(new_id().simple().to_string()),
        created_at: Set(old),
        last_seen_at: Set(old),
        expires_at: Set(expires),
    };
    let gone_session = a_session(recent).insert(db).await.unwrap().id;

    let key = |name: &str, at: chrono::DateTime<Utc>| idempotency_key::ActiveModel {
        user_id: Set(user),
        key: Set(name.into()),
        resource: Set("thread".into()),
        resource_id: Set(new_id()),
        created_at: Set(at),
    };
    key("old", now - Duration::days(2))
        .insert(db)
        .await
        .unwrap();
    key("new", recent).insert(db).await.unwrap();

    let pruned = app.store.prune(now).await.unwrap();
    assert_eq!(
        pruned,
        Pruned {
            jobs: 1201,
            emails: 1,
            tokens: 2,
            sessions: 1,
            idempotency_keys: 1
        }
    );
    for id in gone_jobs {
        assert!(job::Entity::find_by_id(id).one(db).await.unwrap().is_none());
    }
    for id in kept_jobs {
        assert!(job::Entity::find_by_id(id).one(db).await.unwrap().is_some());
    }
    assert!(email::Entity::find_by_id(gone_mail)
        .one(db)
        .await
        .unwrap()
        .is_none());
    for id in kept_mail {
        assert!(email::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .is_some());
    }
    for id in gone_tokens {
        assert!(email_token::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .is_none());
    }
    for id in kept_tokens {
        assert!(email_token::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .is_some());
    }
    assert!(session::Entity::find_by_id(gone_session)
        .one(db)
        .await
        .unwrap()
        .is_none());
    let keys: Vec<String> = idempotency_key::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.key)
        .collect();
    assert_eq!(keys, ["new"]);
    // Ada's own session still works, and a second run finds nothing.
    ada.get("/api/v1/me").await.expect(200);
    assert_eq!(app.store.prune(now).await.unwrap(), Pruned::default());
}

backend_tests!(retention_prunes_what_is_of_no_further_use);
