//! Labelled points: d feature columns and one class label per point, the dataset a
//! classifier is fitted to. Features are stored by column, so the passes read each one as a
//! contiguous run of numbers; labels are class indices into [`Labelled::classes`].

/// Labelled points (xᵢ, yᵢ), i = 1…m.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    columns: Vec<Vec<f64>>,
    labels: Vec<u32>,
    codes: Vec<f64>,
    classes: Vec<String>,
    features: Vec<String>,
}

/// Why points cannot be made into a [`Labelled`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointsError {
    /// The columns have different lengths from the labels.
    Ragged,
    /// A label is not an index of a class.
    Label(usize),
    /// A feature value is not finite.
    NonFinite {
        /// The point.
        point: usize,
        /// The feature.
        feature: usize,
    },
    /// No points, or no classes.
    Empty,
    /// The feature names do not match the columns.
    Names,
}

impl Labelled {
    /// Points from feature columns (each of length m), class indices and names.
    pub fn new(
        columns: Vec<Vec<f64>>,
        labels: Vec<u32>,
        classes: Vec<String>,
        features: Vec<String>,
    ) -> Result<Self, PointsError> {
        if features.len() != columns.len() {
            return Err(PointsError::Names);
        }
        if labels.is_empty() || classes.is_empty() {
            return Err(PointsError::Empty);
        }
        if columns.iter().any(|c| c.len() != labels.len()) {
            return Err(PointsError::Ragged);
        }
        if let Some(i) = labels.iter().position(|&y| y as usize >= classes.len()) {
            return Err(PointsError::Label(i));
        }
        for (feature, column) in columns.iter().enumerate() {
            if let Some(point) = column.iter().position(|x| !x.is_finite()) {
                return Err(PointsError::NonFinite { point, feature });
            }
        }
        let codes = labels.iter().map(|&y| f64::from(y)).collect();
        Ok(Self { columns, labels, codes, classes, features })
    }

    /// m, the number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no points (never, once made).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// d, the number of features.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.columns.len()
    }

    /// Feature column j, one value per point.
    #[must_use]
    pub fn column(&self, j: usize) -> &[f64] {
        &self.columns[j]
    }

    /// The feature columns.
    #[must_use]
    pub fn columns(&self) -> &[Vec<f64>] {
        &self.columns
    }

    /// Point i's features, gathered from the columns.
    #[must_use]
    pub fn point(&self, i: usize) -> Vec<f64> {
        self.columns.iter().map(|c| c[i]).collect()
    }

    /// The class index of each point.
    #[must_use]
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// The class indices as floats, for the vectorised passes (a comparison of f64 with f64
    /// stays in one vector width).
    #[must_use]
    pub fn codes(&self) -> &[f64] {
        &self.codes
    }

    /// The class names, in index order.
    #[must_use]
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The feature names.
    #[must_use]
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// How many points each class has.
    #[must_use]
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for &y in &self.labels {
            counts[y as usize] += 1;
        }
        counts
    }

    /// The mean and standard deviation (divisor m; 1 where the column is constant) of
    /// each feature, for a network's starting scale.
    #[must_use]
    pub fn feature_scales(&self) -> Vec<(f64, f64)> {
        let m = self.len() as f64;
        self.columns
            .iter()
            .map(|c| {
                let mean = super::super::sums::sum(c.iter().copied()) / m;
                let var = super::super::sums::sum(c.iter().map(|x| (x - mean) * (x - mean))) / m;
                let sd = var.sqrt();
                (mean, if sd > 0.0 && sd.is_finite() { sd } else { 1.0 })
            })
            .collect()
    }
}
