//! Slides from PowerPoint, Keynote and OpenDocument: LibreOffice converts
//! them to a PDF in the same confinement as the PDF worker (its own process
//! group and network namespace, an address-space limit, a deadline), and
//! the PDF then goes the way of every uploaded deck.

use std::path::PathBuf;

/// The presentation formats LibreOffice Impress opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slides {
    Pptx,
    Ppt,
    Odp,
    Key,
}

const ZIP: &[u8] = b"PK\x03\x04";
/// The Compound File Binary container of Office 97–2003.
const OLE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

impl Slides {
    pub const ALL: [Slides; 4] = [Slides::Pptx, Slides::Ppt, Slides::Odp, Slides::Key];

    /// The type a version of this format is stored and served with.
    pub fn mime(self) -> &'static str {
        match self {
            Slides::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Slides::Ppt => "application/vnd.ms-powerpoint",
            Slides::Odp => "application/vnd.oasis.opendocument.presentation",
            Slides::Key => "application/vnd.apple.keynote",
        }
    }

    /// The program people know the format by.
    pub fn name(self) -> &'static str {
        match self {
            Slides::Pptx | Slides::Ppt => "PowerPoint",
            Slides::Odp => "OpenDocument",
            Slides::Key => "Keynote",
        }
    }

    /// Refuses bytes that are not in this format's container.
    pub fn check(self, head: &[u8]) -> Result<(), crate::Refusal> {
        if self.sniff(head) {
            Ok(())
        } else {
            Err(crate::Refusal::NotSlides {
                kind: self.name().into(),
            })
        }
    }

    /// The file name extension LibreOffice is given (it picks its import
    /// filter by content, but the name settles ties).
    pub fn extension(self) -> &'static str {
        match self {
            Slides::Pptx => "pptx",
            Slides::Ppt => "ppt",
            Slides::Odp => "odp",
            Slides::Key => "key",
        }
    }

    /// Also accepts the other names browsers and systems give Keynote files.
    pub fn from_mime(mime: &str) -> Option<Slides> {
        match mime {
            "application/x-iwork-keynote-sffkey" | "application/vnd.apple.keynote" => {
                Some(Slides::Key)
            }
            _ => Slides::ALL.into_iter().find(|s| s.mime() == mime),
        }
    }

    /// LibreOffice's import filter (Impress's, for every format).
    pub fn filter(self) -> &'static str {
        match self {
            Slides::Pptx => "Impress MS PowerPoint 2007 XML",
            Slides::Ppt => "MS PowerPoint 97",
            Slides::Odp => "impress8",
            Slides::Key => "Apple Keynote",
        }
    }

    /// Whether the bytes are the container this format comes in: a ZIP
    /// archive, or the OLE compound file of a .ppt. What is inside is for
    /// LibreOffice to read, in the sandbox.
    pub fn sniff(self, head: &[u8]) -> bool {
        match self {
            Slides::Ppt => head.starts_with(OLE),
            _ => head.starts_with(ZIP),
        }
    }

    /// The input's name in the worker's folder; converting it writes
    /// `crate::INPUT` beside it.
    pub fn input(self) -> String {
        format!("input.{}", self.extension())
    }
}

/// Names tried on PATH when `CRITBOARD_SOFFICE` is not set.
pub const SOFFICE: [&str; 2] = ["soffice", "libreoffice"];

/// What the person is told when slides arrive and LibreOffice is absent.
pub const NO_CONVERTER: &str =
    "PowerPoint, Keynote and OpenDocument slides need LibreOffice on the \
     server (the libreoffice-impress package, or CRITBOARD_SOFFICE naming its soffice); export \
     the slides as a PDF to upload them now";

/// The LibreOffice program and how long a conversion may take.
#[derive(Clone, Debug)]
pub struct Converter {
    pub soffice: PathBuf,
    /// Address space for LibreOffice: it maps far more than it touches
    /// (a 3-slide deck peaks at 210 MB resident and fails under 256 MB).
    pub memory_bytes: u64,
    pub timeout: std::time::Duration,
}

impl Converter {
    pub fn new(soffice: PathBuf) -> Self {
        Converter {
            soffice,
            memory_bytes: 2 << 30,
            timeout: std::time::Duration::from_secs(120),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slides_are_known_by_type_and_container() {
        for s in Slides::ALL {
            assert_eq!(Slides::from_mime(s.mime()), Some(s));
        }
        assert_eq!(
            Slides::from_mime("application/x-iwork-keynote-sffkey"),
            Some(Slides::Key)
        );
        assert_eq!(Slides::from_mime("application/pdf"), None);
        assert!(Slides::Pptx.check(b"PK\x03\x04\x14\0").is_ok());
        assert!(Slides::Ppt.check(OLE).is_ok());
        assert!(Slides::Ppt.check(b"PK\x03\x04").is_err());
        let refused = Slides::Odp.check(b"<html>").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the file is not in OpenDocument format"
        );
    }
}
