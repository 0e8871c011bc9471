//! The dependencies of the generated `pixi.toml`, in three layers per pixi feature
//! (`default`, `runner`, `test`):
//!
//! * **A** – [`defaults`]: the bundled baseline (`defaults.toml`, compiled into the binary);
//! * **B** – the spec's `requirements:` suppress same-name defaults ([`merge::suppressed`]);
//! * **C** – the `--env-overrides` file ([`overrides`]): a name declared there displaces
//!   same-name entries of the lower layers in that feature, conda and PyPI alike.
//!
//! Layers A and C share one file format and one loader ([`loader`]). Reading the override
//! file and the `pyproject.toml` files the [`guard`] inspects is I/O, done by the CLI,
//! which hands their text to salsa inputs; everything here is pure.

pub mod defaults;
pub mod guard;
pub mod load;
pub mod loader;
pub mod merge;
pub mod overrides;

use crate::spec::requirements::PypiRequirement;
use crate::syntax::span::Span;

/// A pixi feature the dependency layers know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feature {
    Default,
    Runner,
    Test,
}

impl Feature {
    /// Every feature, in the reference's order.
    pub const ALL: [Feature; 3] = [Feature::Default, Feature::Runner, Feature::Test];

    /// The feature's name in TOML (`[feature.<name>]`).
    pub fn name(self) -> &'static str {
        match self {
            Feature::Default => "default",
            Feature::Runner => "runner",
            Feature::Test => "test",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A conda dependency of a feature: `<name> = { version, channel }` in pixi.toml.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CondaDep {
    /// The normalised (lower-case) package name.
    pub name: String,
    /// Normalised version constraint (`*` for any).
    pub version: String,
    /// Channel base URL, e.g. `https://conda.anaconda.org/conda-forge/`.
    pub channel: String,
    /// Where the entry's name is in the file it came from.
    pub span: Span,
}

/// The conda and PyPI dependencies of one feature, in declaration order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FeatureDeps {
    pub conda: Vec<CondaDep>,
    pub pypi: Vec<PypiRequirement>,
}

impl FeatureDeps {
    /// Every name declared in this section, conda (normalised) then PyPI (verbatim).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.conda
            .iter()
            .map(|d| d.name.as_str())
            .chain(self.pypi.iter().map(|p| p.name.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.conda.is_empty() && self.pypi.is_empty()
    }
}

/// One dependency file (the bundled defaults or an env-overrides file): a section per
/// feature. A feature the file does not declare has an empty section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DependencyFile {
    features: [FeatureDeps; 3],
}

impl DependencyFile {
    pub fn feature(&self, feature: Feature) -> &FeatureDeps {
        &self.features[feature.index()]
    }

    pub fn feature_mut(&mut self, feature: Feature) -> &mut FeatureDeps {
        &mut self.features[feature.index()]
    }

    /// Every (feature, section) pair, in feature order.
    pub fn iter(&self) -> impl Iterator<Item = (Feature, &FeatureDeps)> {
        Feature::ALL.into_iter().zip(&self.features)
    }
}

/// The base URLs of the channels a dependency file may name (`channel = "conda-forge"`).
pub const NAMED_CHANNELS: &[(&str, &str)] = &[
    ("conda-forge", "https://conda.anaconda.org/conda-forge/"),
    (
        "ecoscope-workflows",
        "https://repo.prefix.dev/ecoscope-workflows/",
    ),
    ("microsoft", "https://conda.anaconda.org/microsoft/"),
];

/// The conda-forge base URL (the default channel of a dependency-file entry).
pub const CONDA_FORGE: &str = "https://conda.anaconda.org/conda-forge/";
