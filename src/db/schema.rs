// @generated automatically by Diesel CLI.

diesel::table! {
    public_holidays (day) {
        day -> Date,
        name_ko -> Text,
        name_en -> Text,
        created_at -> Timestamptz,
    }
}
