//! Where the generated code goes: the crates' names and folders, and which
//! hand-written runtime the generated client plugs into.

use std::path::PathBuf;

/// Where the generated code goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// Package name of the models crate (folder `crates/<name>`).
    pub models_crate: String,
    /// Package name of the client crate (folder `crates/<name>`).
    pub client_crate: String,
    /// Also write manifests and `lib.rs` files, making a standalone workspace
    /// (`generate --out`); the project's own crates have hand-written ones.
    pub scaffold: bool,
    /// The hand-written type in the client crate that implements the
    /// client's hooks (auth, retries, tracing); `None`: progenitor's defaults.
    pub client_runtime: Option<String>,
    /// The hand-written module in the client crate providing the SDK's
    /// error type (see [`super::passes::unified_errors`]); `None`: operations
    /// return progenitor's error.
    pub client_error: Option<String>,
    /// Package name of the mock crate whose route table is generated
    /// (folder `crates/<name>`); `None`: no mock.
    pub mock_crate: Option<String>,
    /// Package name of the facade crate that re-exports the client and the
    /// models (folder `crates/<name>`); `None`: no facade.
    pub facade_crate: Option<String>,
}

impl Target {
    /// This project's crates.
    pub fn project() -> Self {
        Target {
            models_crate: "cozmox-models".into(),
            client_crate: "cozmox-client".into(),
            scaffold: false,
            client_runtime: Some("crate::runtime::Runtime".into()),
            client_error: Some("crate::error".into()),
            mock_crate: Some("cozmox-mock".into()),
            facade_crate: Some("cozmox".into()),
        }
    }

    /// A standalone workspace for any document (`generate --out`), with the
    /// same client runtime as the project's (copied by the scaffold).
    pub fn standalone() -> Self {
        Target {
            models_crate: "api-models".into(),
            client_crate: "api-client".into(),
            scaffold: true,
            client_runtime: Some("crate::runtime::Runtime".into()),
            client_error: Some("crate::error".into()),
            mock_crate: None,
            facade_crate: None,
        }
    }

    /// `crates/<mock>/src/generated`, if there is a mock crate.
    pub fn mock_dir(&self) -> Option<PathBuf> {
        Some(
            PathBuf::from("crates")
                .join(self.mock_crate.as_ref()?)
                .join("src/generated"),
        )
    }

    /// The hand-written manifests whose `[features]` hold a generated
    /// region (the project's crates; a standalone workspace's manifests are
    /// written whole by the scaffold), each with the dependencies its
    /// features forward to (as the manifest names them).
    pub fn manifests(&self) -> Vec<(PathBuf, Vec<String>)> {
        if self.scaffold {
            return Vec::new();
        }
        let manifest = |name: &str| PathBuf::from("crates").join(name).join("Cargo.toml");
        let mut out = vec![
            (manifest(&self.models_crate), Vec::new()),
            (
                manifest(&self.client_crate),
                vec![self.models_crate.clone()],
            ),
        ];
        if let Some(facade) = &self.facade_crate {
            out.push((
                manifest(facade),
                vec![self.models_crate.clone(), self.client_crate.clone()],
            ));
        }
        out
    }

    /// `crates/<models>/src/generated`.
    pub fn models_dir(&self) -> PathBuf {
        PathBuf::from("crates")
            .join(&self.models_crate)
            .join("src/generated")
    }

    /// `crates/<client>/src/generated`.
    pub fn client_dir(&self) -> PathBuf {
        PathBuf::from("crates")
            .join(&self.client_crate)
            .join("src/generated")
    }
}
