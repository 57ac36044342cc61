//! How the typed states of domain/ and audit/ are stored: each as its text code, in a column whose
//! CHECK constraint lists the codes. Reading a code the enum does not know fails to load the row (a
//! deserialisation error, a 500 like any other), never a fallback. The enums themselves know
//! nothing of diesel.

use diesel::deserialize::{self, FromSql, Queryable};
use diesel::dsl::AsExprOf;
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::Text;

use crate::domain::application::{DocumentKind, SectionKind};
use crate::domain::audit::{Action, ObjectType};
use crate::domain::register::RegisterStatus;
use crate::domain::review::consultation::{ConsultedBody, Decision, Opinion, ProposedOutcome};
use crate::domain::review::state::ReviewState;
use crate::domain::{InstitutionStatus, InstitutionType, Role, Stage};

/// Reads a coded enum from a text column by its `FromStr`, and writes it as its `as_str` code, by
/// value or by reference (in row structs, filters and updates alike). The code is bound as an owned
/// `String`: bound as `&'static str`, it clashes with the `&'a str: AsExpression` bounds that
/// `#[derive(Insertable)]` writes for a struct's borrowed text fields (`NewUser`).
macro_rules! stored_as_text {
    ($($coded:ty),+ $(,)?) => {$(
        impl FromSql<Text, Pg> for $coded {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                let code = <String as FromSql<Text, Pg>>::from_sql(value)?;
                Ok(code.parse::<$coded>()?)
            }
        }

        /// A column of it alone can be loaded (`.select(column).load::<$coded>()`).
        impl Queryable<Text, Pg> for $coded {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl AsExpression<Text> for $coded {
            type Expression = AsExprOf<String, Text>;

            fn as_expression(self) -> Self::Expression {
                AsExpression::<Text>::as_expression(self.as_str().to_owned())
            }
        }

        impl AsExpression<Text> for &$coded {
            type Expression = AsExprOf<String, Text>;

            fn as_expression(self) -> Self::Expression {
                AsExpression::<Text>::as_expression(self.as_str().to_owned())
            }
        }
    )+};
}

stored_as_text!(
    Role,
    InstitutionStatus,
    InstitutionType,
    Stage,
    Action,
    ObjectType,
    ReviewState,
    SectionKind,
    DocumentKind,
    ConsultedBody,
    Opinion,
    ProposedOutcome,
    Decision,
    RegisterStatus
);
