//! A page's LIMIT written into the statement's text instead of bound as a parameter.
//!
//! Why: PostgreSQL plans a prepared statement afresh on each run ("custom plan") for as long as its
//! one plan for every parameter value ("generic plan") looks dearer, and a generic plan cannot know
//! a bound LIMIT: it assumes a tenth of the rows are wanted, prices the plan for that, and loses to
//! the custom plans forever. The queue's first page was planned on every request, which was a third
//! of PostgreSQL's time on it at 100,000 applications. With the page's length in the text (a
//! constant of ours, never user input), the generic plan is priced for the page it reads and is
//! kept after a few runs, as for any other statement.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// `query` followed by `LIMIT rows`, the number written into the SQL.
#[derive(Debug, Clone, Copy)]
pub struct Limited<Q> {
    query: Q,
    rows: u16,
}

/// `query` (which must have no LIMIT of its own) limited to `rows` rows in the statement's text.
pub fn limited<Q>(query: Q, rows: u16) -> Limited<Q> {
    Limited { query, rows }
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Limited<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        // A number of ours: the text stays the same for a given page length, so the prepared
        // statement is cached per connection like any other.
        out.push_sql(&self.rows.to_string());
        Ok(())
    }
}

impl<Q: Query> Query for Limited<Q> {
    type SqlType = Q::SqlType;
}

/// The statement's identity is its text (which includes the number), as for boxed queries.
impl<Q> QueryId for Limited<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// Two limited arms, `UNION ALL`, limited again: the outer limit lets the second arm go unread
/// when the first fills the page.
#[derive(Debug, Clone, Copy)]
pub struct UnionAll<A, B> {
    first: Limited<A>,
    second: Limited<B>,
}

/// `(first LIMIT rows) UNION ALL (second LIMIT rows) LIMIT rows`.
pub fn union_all<A, B>(first: A, second: B, rows: u16) -> Limited<UnionAll<A, B>> {
    let arms = UnionAll {
        first: limited(first, rows),
        second: limited(second, rows),
    };
    limited(arms, rows)
}

impl<A: QueryFragment<Pg>, B: QueryFragment<Pg>> QueryFragment<Pg> for UnionAll<A, B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("(");
        self.first.walk_ast(out.reborrow())?;
        out.push_sql(") UNION ALL (");
        self.second.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// Both arms read the same columns.
impl<A: Query, B: Query<SqlType = A::SqlType>> Query for UnionAll<A, B> {
    type SqlType = A::SqlType;
}

impl<A, B> QueryId for UnionAll<A, B> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;
    use crate::db::schema::users;

    fn sql(query: &impl QueryFragment<Pg>) -> String {
        diesel::debug_query::<Pg, _>(query).to_string()
    }

    #[test]
    fn the_limit_is_in_the_text_not_a_parameter() {
        let query = users::table
            .select(users::id)
            .filter(users::email.eq("a@b.kr"));
        let text = sql(&limited(query, 51));
        assert!(
            text.ends_with(r#"WHERE ("users"."email" = $1) LIMIT 51 -- binds: ["a@b.kr"]"#),
            "{text}"
        );
    }

    #[test]
    fn both_arms_and_the_whole_are_limited() {
        let dated = users::table.select(users::id).order(users::id);
        let undated = users::table.select(users::id).order(users::email);
        let text = sql(&union_all(dated, undated, 3));
        assert!(text.starts_with(r#"(SELECT "users"."id" FROM "users" ORDER BY "users"."id" LIMIT 3) UNION ALL (SELECT"#), "{text}");
        assert!(
            text.ends_with(r#"ORDER BY "users"."email" LIMIT 3) LIMIT 3 -- binds: []"#),
            "{text}"
        );
    }
}
