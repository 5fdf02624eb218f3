//! Uploads: the file of a `multipart/form-data` operation, as its builder's
//! setter takes it (`client.files().create(FilePart::from_path("faq.pdf")?)`).
//!
//! The generator writes one request builder per such operation, with a
//! setter per form field of the spec: a binary field takes a [`FilePart`]
//! (bytes, file name, content type), any other field a string. It
//! `.await`s to the decoded answer like every other call.

use std::fmt;
use std::path::Path;

use bytes::Bytes;

/// A file to upload: its bytes, and the file name and content type the form
/// part declares.
#[derive(Clone)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl FilePart {
    /// A part holding `bytes`, without a file name or content type.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file at `path`, read whole, named by the path's last component.
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let mut part = FilePart::new(bytes);
        part.file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string);
        Ok(part)
    }

    /// The file name the part declares (`filename=` of its disposition).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's content type (`application/pdf`…); checked when the call
    /// is sent.
    #[must_use]
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The declared file name, if any.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The form part (generated code calls this); an error names a content
    /// type that is not one.
    #[doc(hidden)]
    pub fn into_part(self) -> Result<reqwest::multipart::Part, String> {
        let mut part = reqwest::multipart::Part::stream(self.bytes);
        if let Some(name) = self.file_name {
            part = part.file_name(name);
        }
        if let Some(mime) = self.content_type {
            part = part
                .mime_str(&mime)
                .map_err(|e| format!("content type {mime:?}: {e}"))?;
        }
        Ok(part)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::new(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::FilePart;

    #[test]
    fn parts_carry_their_name_and_type_and_debug_shows_no_content() {
        let part = FilePart::new(b"secret text".to_vec())
            .file_name("notes.txt")
            .content_type("text/plain");
        assert_eq!((part.len(), part.name()), (11, Some("notes.txt")));
        let shown = format!("{part:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(part.into_part().is_ok());
        let bad = FilePart::from(b"x".as_slice()).content_type("not a type");
        assert!(bad.into_part().unwrap_err().contains("not a type"));
    }

    #[test]
    fn a_path_is_read_and_named() {
        let path = std::env::temp_dir().join(format!("cozmox-upload-{}.txt", std::process::id()));
        std::fs::write(&path, "hello").expect("write");
        let part = FilePart::from_path(&path).expect("read");
        assert_eq!(part.len(), 5);
        assert_eq!(part.name(), path.file_name().and_then(|n| n.to_str()));
        let _ = std::fs::remove_file(&path);
        assert!(FilePart::from_path(&path).is_err());
    }
}
