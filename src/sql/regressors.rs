//! Exogenous regressors, statsforecast's convention: every input column besides the id,
//! time and target columns is a regressor (in input order) of the models that use them.
//! `forecast` takes their future values from its `future` argument, matched to the
//! forecast rows by (id, ds) at run time; `cross_validation` takes them from the input.
//!
//! When no model uses regressors the extra columns are left out of the plan, whatever
//! their type, and `future` is planned (a wrong query in it is still an error) but not
//! used: such queries run exactly as without the extra columns.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Column, DFSchema, Result, plan_err};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, cast};

use super::forecast::find_column;
use crate::logical::ColumnNames;
use crate::models::{ModelSpec, build_model};

/// The aliases of the models (the fallback included) that use regressors.
pub(super) fn models_using_regressors(
    specs: &[ModelSpec],
    fallback: Option<&ModelSpec>,
) -> Vec<String> {
    specs
        .iter()
        .chain(fallback)
        .filter(|spec| build_model(spec).is_ok_and(|model| model.uses_regressors()))
        .map(|spec| spec.alias().to_string())
        .collect()
}

/// The regressors the models in `users` read: every column of `schema` besides the id,
/// time and target columns, in order, each numeric. None when `users` is empty.
pub(super) fn input_regressors(
    function: &str,
    schema: &DFSchema,
    names: &ColumnNames,
    users: &[String],
) -> Result<Vec<Column>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut regressors = Vec::new();
    for (qualifier, field) in schema.iter() {
        let name = field.name();
        if [&names.id, &names.time, &names.target].contains(&name) {
            continue;
        }
        if !is_numeric(field.data_type()) {
            return plan_err!(
                "{function}: column '{name}' has type {}, but the models {} use every input column besides '{}', '{}' and '{}' as a regressor, and regressors must be numeric; cast it or leave it out of the input",
                field.data_type(),
                users.join(", "),
                names.id,
                names.time,
                names.target
            );
        }
        regressors.push(Column::new(qualifier.cloned(), name));
    }
    Ok(regressors)
}

/// The error of a forecast whose models use regressors and that has no `future`.
pub(super) fn future_is_required(
    regressors: &[Column],
    names: &ColumnNames,
    users: &[String],
) -> Result<LogicalPlan> {
    let listed: Vec<&str> = regressors.iter().map(|c| c.name.as_str()).collect();
    plan_err!(
        "forecast: the models {} use the regressors {} (the input's columns besides '{}', '{}' and '{}') and need their future values: pass future => (SELECT {}, {}, {} FROM ...) with one row per series at each forecast date",
        users.join(", "),
        listed.join(", "),
        names.id,
        names.time,
        names.target,
        names.id,
        names.time,
        listed.join(", ")
    )
}

/// Projects the `future` plan to `(id, ds, regressors...)` under the input's column
/// names, its id and time columns cast to the input's types (so that the hash shuffle
/// sends equal ids of both inputs to the same partition and ds compare as raw values)
/// and the regressors to Float64. Its other columns are left out.
pub(super) fn project_future(
    future: LogicalPlan,
    names: &ColumnNames,
    input_types: (&DataType, &DataType),
    regressors: &[Column],
) -> Result<LogicalPlan> {
    let schema = future.schema();
    let mut projection = Vec::with_capacity(2 + regressors.len());
    for (argument, name, input_type) in [
        ("id_col", &names.id, input_types.0),
        ("time_col", &names.time, input_types.1),
    ] {
        let (column, data_type) = find_column("forecast", schema, "future", argument, name)?;
        if !casts_exactly(data_type, input_type) {
            return plan_err!(
                "forecast: column '{name}' ({argument}) of future has type {data_type}, the input's has type {input_type}; give both the same type (CAST it in the future query)"
            );
        }
        projection.push(cast(Expr::Column(column), input_type.clone()).alias(name));
    }
    for regressor in regressors {
        let name = &regressor.name;
        let Ok((qualifier, field)) = schema.qualified_field_with_unqualified_name(name) else {
            let available: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return plan_err!(
                "forecast: regressor '{name}' is not in future; future needs the id, the time column and every regressor, and its columns are: {}",
                available.join(", ")
            );
        };
        if !is_numeric(field.data_type()) {
            return plan_err!(
                "forecast: column '{name}' of future has type {}; regressors must be numeric",
                field.data_type()
            );
        }
        let column = Column::new(qualifier.cloned(), name);
        projection.push(cast(Expr::Column(column), DataType::Float64).alias(name));
    }
    LogicalPlanBuilder::from(future)
        .project(projection)?
        .build()
}

/// Numeric, or the type of an all-NULL column (whose NULLs are then named at run time).
fn is_numeric(data_type: &DataType) -> bool {
    data_type.is_numeric() || matches!(data_type, DataType::Null)
}

/// Whether a CAST from `from` to `to` keeps values apart and equal as they were (an
/// integer out of the target's range fails the query): integers, strings, timestamps
/// to a unit as fine or finer (both with a zone or both without), dates to Date64.
fn casts_exactly(from: &DataType, to: &DataType) -> bool {
    fn rank(unit: &TimeUnit) -> u8 {
        match unit {
            TimeUnit::Second => 0,
            TimeUnit::Millisecond => 1,
            TimeUnit::Microsecond => 2,
            TimeUnit::Nanosecond => 3,
        }
    }
    fn is_string(data_type: &DataType) -> bool {
        match data_type {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
            DataType::Dictionary(_, value) => is_string(value),
            _ => false,
        }
    }
    match (from, to) {
        _ if from == to => true,
        _ if from.is_integer() && to.is_integer() => true,
        (DataType::Timestamp(from_unit, from_zone), DataType::Timestamp(to_unit, to_zone)) => {
            from_zone.is_some() == to_zone.is_some() && rank(to_unit) >= rank(from_unit)
        }
        (DataType::Date32, DataType::Date64) => true,
        _ => is_string(from) && is_string(to),
    }
}

#[cfg(test)]
mod tests {
    use super::casts_exactly;
    use datafusion::arrow::datatypes::{DataType, TimeUnit};

    #[test]
    fn only_casts_that_keep_keys_apart_are_allowed() {
        let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        assert!(casts_exactly(&DataType::Utf8View, &DataType::Utf8));
        assert!(casts_exactly(&dictionary, &DataType::LargeUtf8));
        assert!(casts_exactly(&DataType::Int32, &DataType::UInt64));
        assert!(casts_exactly(&DataType::Date32, &DataType::Date64));
        let ts = |unit, zone: Option<&str>| DataType::Timestamp(unit, zone.map(Into::into));
        assert!(casts_exactly(
            &ts(TimeUnit::Second, None),
            &ts(TimeUnit::Nanosecond, None)
        ));
        assert!(casts_exactly(
            &ts(TimeUnit::Millisecond, Some("UTC")),
            &ts(TimeUnit::Millisecond, Some("Europe/Paris"))
        ));
        assert!(!casts_exactly(
            &ts(TimeUnit::Nanosecond, None),
            &ts(TimeUnit::Second, None)
        ));
        assert!(!casts_exactly(
            &ts(TimeUnit::Second, None),
            &ts(TimeUnit::Second, Some("UTC"))
        ));
        assert!(!casts_exactly(
            &ts(TimeUnit::Second, None),
            &DataType::Date32
        ));
        assert!(!casts_exactly(&DataType::Utf8, &DataType::Int64));
        assert!(!casts_exactly(&DataType::Float64, &DataType::Int64));
    }
}
