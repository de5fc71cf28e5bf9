//! Users, sessions and personal API tokens.

use crate::entities::{api_token, session, user};
use crate::{new_id, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: String,
    pub is_admin: bool,
}

impl Store {
    /// Creates a user; `EmailTaken` when the e-mail (case-insensitive) is taken.
    pub async fn create_user(&self, new: NewUser<'_>) -> Result<user::Model> {
        let at = self.now();
        let model = user::ActiveModel {
            id: Set(new_id()),
            email: Set(new.email.trim().to_owned()),
            email_normalized: Set(critboard_domain::validation::normalize_email(new.email)),
            display_name: Set(new.display_name.trim().to_owned()),
            password_hash: Set(new.password_hash),
            email_verified: Set(false),
            is_admin: Set(new.is_admin),
            notification_frequency: Set(critboard_domain::EmailFrequency::default()),
            created_at: Set(at),
            updated_at: Set(at),
        };
        match model.insert(self.conn()).await.map_err(StoreError::from) {
            Err(e) if e.is_unique(crate::unique::USER_EMAIL) => Err(StoreError::EmailTaken),
            other => other,
        }
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<user::Model>> {
        Ok(user::Entity::find()
            .filter(
                user::Column::EmailNormalized
                    .eq(critboard_domain::validation::normalize_email(email)),
            )
            .one(self.conn())
            .await?)
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<user::Model>> {
        Ok(user::Entity::find_by_id(id).one(self.conn()).await?)
    }

    pub async fn users_by_ids(&self, ids: Vec<Uuid>) -> Result<Vec<user::Model>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(self.conn())
            .await?)
    }

    /// Renames a user (trimmed, as at sign-up) and returns the user as
    /// stored now.
    pub async fn set_display_name(&self, user_id: Uuid, display_name: &str) -> Result<user::Model> {
        let changed = user::ActiveModel {
            id: ActiveValue::Unchanged(user_id),
            display_name: Set(display_name.trim().to_owned()),
            updated_at: Set(self.now()),
            ..Default::default()
        };
        match changed.update(self.conn()).await {
            Err(DbErr::RecordNotUpdated) => Err(StoreError::NotFound),
            other => Ok(other?),
        }
    }

    /// Replaces the password hash and ends every session but `keep` (the one
    /// that made the change, if any), in one transaction; with
    /// `revoke_tokens` (an admin's reset after a compromise) API tokens go too.
    pub async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: String,
        keep: Option<Uuid>,
        revoke_tokens: bool,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        // Write first: SQLite then holds the write lock for the whole
        // transaction instead of failing to upgrade a read.
        let changed = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, password_hash.into())
            .col_expr(user::Column::UpdatedAt, self.now().into())
            .filter(user::Column::Id.eq(user_id))
            .exec(&*tx)
            .await?;
        if changed.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
        if let Some(keep) = keep {
            delete = delete.filter(session::Column::Id.ne(keep));
        }
        delete.exec(&*tx).await?;
        if revoke_tokens {
            api_token::Entity::delete_many()
                .filter(api_token::Column::UserId.eq(user_id))
                .exec(&*tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_admin(&self, user_id: Uuid, is_admin: bool) -> Result<()> {
        let res = user::Entity::update_many()
            .col_expr(user::Column::IsAdmin, is_admin.into())
            .filter(user::Column::Id.eq(user_id))
            .exec(self.conn())
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn create_session(
        &self,
        user_id: Uuid,
        token_hash: String,
        ttl: Duration,
    ) -> Result<session::Model> {
        let at = self.now();
        let model = session::ActiveModel {
            id: Set(new_id()),
            user_id: Set(user_id),
            token_hash: Set(token_hash),
            created_at: Set(at),
            last_seen_at: Set(at),
            expires_at: Set(at + ttl),
        };
        Ok(model.insert(self.conn()).await?)
    }

    /// The session and its user for a cookie, in one query; expired
    /// sessions are treated as absent.
    pub async fn session_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<(session::Model, user::Model)>> {
        let found = session::Entity::find()
            .filter(session::Column::TokenHash.eq(token_hash))
            .filter(session::Column::ExpiresAt.gt(self.now()))
            .find_also_related(user::Entity)
            .one(self.conn())
            .await?;
        Ok(found.and_then(|(s, u)| u.map(|u| (s, u))))
    }

    pub async fn delete_session(&self, session_id: Uuid) -> Result<()> {
        session::Entity::delete_by_id(session_id)
            .exec(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self) -> Result<u64> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(self.now()))
            .exec(self.conn())
            .await?
            .rows_affected)
    }

    pub async fn create_api_token(
        &self,
        user_id: Uuid,
        name: &str,
        prefix: &str,
        token_hash: String,
    ) -> Result<api_token::Model> {
        let model = api_token::ActiveModel {
            id: Set(new_id()),
            user_id: Set(user_id),
            name: Set(name.trim().to_owned()),
            prefix: Set(prefix.to_owned()),
            token_hash: Set(token_hash),
            created_at: Set(self.now()),
            last_used_at: Set(None),
        };
        Ok(model.insert(self.conn()).await?)
    }

    pub async fn api_tokens(&self, user_id: Uuid) -> Result<Vec<api_token::Model>> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user_id))
            .order_by_asc(api_token::Column::Id)
            .all(self.conn())
            .await?)
    }

    /// Revokes one of the user's tokens; someone else's token is `NotFound`.
    pub async fn delete_api_token(&self, user_id: Uuid, token_id: Uuid) -> Result<()> {
        let res = api_token::Entity::delete_many()
            .filter(api_token::Column::Id.eq(token_id))
            .filter(api_token::Column::UserId.eq(user_id))
            .exec(self.conn())
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn api_token_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<(api_token::Model, user::Model)>> {
        let found = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .find_also_related(user::Entity)
            .one(self.conn())
            .await?;
        Ok(found.and_then(|(t, u)| u.map(|u| (t, u))))
    }

    /// Records use of a token; callers do it at most hourly so a busy script
    /// does not turn every request into a write.
    pub async fn touch_api_token(&self, token_id: Uuid, at: DateTime<Utc>) -> Result<()> {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Some(at).into())
            .filter(api_token::Column::Id.eq(token_id))
            .exec(self.conn())
            .await?;
        Ok(())
    }
}
