//! States of pictures and their review, stored as small integers.

use serde::{Deserialize, Serialize};

stored_enum!(
    /// Where an asset stands in review.
    ReviewStatus { InReview = 1 => "in_review", ChangesRequested = 2 => "changes_requested", Approved = 3 => "approved" }
);

stored_enum!(
    /// A version's file: being thumbnailed, ready to view, or unusable.
    VersionState { Processing = 2 => "processing", Ready = 3 => "ready", Failed = 4 => "failed" }
);

stored_enum!(
    /// A direct upload: waiting for its bytes, turned into a version, or
    /// refused (wrong type, damaged, too large…).
    UploadState { Uploading = 1 => "uploading", Completed = 2 => "completed", Refused = 3 => "refused" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_numbers_round_trip() {
        for s in [
            ReviewStatus::InReview,
            ReviewStatus::ChangesRequested,
            ReviewStatus::Approved,
        ] {
            assert_eq!(ReviewStatus::from_i16(s.as_i16()), Some(s));
        }
        assert_eq!(VersionState::from_i16(1), None);
        assert_eq!(UploadState::from_i16(3), Some(UploadState::Refused));
        assert_eq!(VersionState::Ready.as_str(), "ready");
    }
}
