// @generated automatically by Diesel CLI.

diesel::table! {
    public_holidays (day) {
        day -> Date,
        name_ko -> Text,
        name_en -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    institutions (id) {
        id -> Uuid,
        legal_name_ko -> Text,
        legal_name_en -> Text,
        business_registration_number -> Text,
        corporate_registration_number -> Text,
        lei -> Nullable<Text>,
        institution_type -> Text,
        address -> Text,
        contact_phone -> Text,
        status -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        role -> Text,
        institution_id -> Nullable<Uuid>,
        is_institution_admin -> Bool,
        is_authorised_signatory -> Bool,
        password_hash -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamptz>,
        active -> Bool,
        lang -> Text,
        failed_logins -> Int4,
        last_failed_login_at -> Nullable<Timestamptz>,
        locked_at -> Nullable<Timestamptz>,
        totp_secret -> Nullable<Text>,
        totp_enabled_at -> Nullable<Timestamptz>,
        totp_last_step -> Nullable<Int8>,
        created_at -> Timestamptz,
        pending_email -> Nullable<Text>,
        consulted_body -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        token_hash -> Bytea,
        user_id -> Nullable<Uuid>,
        stage -> Text,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    email_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        purpose -> Text,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Uuid,
        user_id -> Uuid,
        code_hash -> Bytea,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    client_attempts (client_addr, attempted_at) {
        client_addr -> Text,
        attempted_at -> Timestamptz,
        kind -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Uuid,
        message_id -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        created_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        abandoned_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> Int8,
        occurred_at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        actor_email -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        details -> Jsonb,
        prev_hash -> Bytea,
        hash -> Bytea,
    }
}

diesel::table! {
    audit_log_counter (one) {
        one -> Bool,
        last_seq -> Int8,
    }
}

diesel::joinable!(users -> institutions (institution_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    applications,
    clock_events,
    consultations,
    decision_proposals,
    information_request_items,
    information_requests,
    register_deployments,
    register_entries,
    register_events,
    register_generation,
    review_notes,
    section_outcomes,
    audit_log,
    documents,
    section_versions,
    submissions,
    audit_log_counter,
    client_attempts,
    email_tokens,
    form_submissions,
    institutions,
    outbox,
    public_holidays,
    recovery_codes,
    sessions,
    users,
);

diesel::table! {
    form_submissions (key) {
        key -> Uuid,
        session_id -> Uuid,
        created_at -> Timestamptz,
        location -> Nullable<Text>,
        route -> Text,
        csrf_fingerprint -> Bytea,
        final_session_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    sign_in_failures (user_id, client_addr) {
        user_id -> Uuid,
        client_addr -> Text,
        failures -> Int4,
        last_failure_at -> Timestamptz,
    }
}

diesel::table! {
    invitations (id) {
        id -> Uuid,
        invited_by -> Nullable<Uuid>,
        institution_id -> Nullable<Uuid>,
        email -> Text,
        email_as_typed -> Text,
        name -> Text,
        authorised_signatory -> Bool,
        user_id -> Nullable<Uuid>,
        outcome -> Text,
        created_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(invitations, users);

diesel::table! {
    applications (id) {
        id -> Uuid,
        institution_id -> Uuid,
        state -> Text,
        reference -> Nullable<Text>,
        version -> Int4,
        created_by -> Uuid,
        created_at -> Timestamptz,
        submitted_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        withdrawal_reason -> Nullable<Text>,
        assignee_id -> Nullable<Uuid>,
        due_on -> Nullable<Date>,
        /// Generated by the database from the state: submitted and not yet closed.
        in_queue -> Bool,
    }
}

diesel::table! {
    section_versions (application_id, section, version) {
        application_id -> Uuid,
        section -> Text,
        version -> Int4,
        answers -> Jsonb,
        saved_by -> Uuid,
        saved_at -> Timestamptz,
    }
}

diesel::table! {
    documents (id) {
        id -> Uuid,
        application_id -> Uuid,
        kind -> Text,
        subject -> Text,
        version -> Int4,
        file_name -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Uuid,
        uploaded_at -> Timestamptz,
    }
}

diesel::table! {
    submissions (application_id, round) {
        application_id -> Uuid,
        round -> Int4,
        submitted_by -> Uuid,
        submitted_at -> Timestamptz,
        sections -> Jsonb,
        documents -> Array<Uuid>,
    }
}

diesel::table! {
    reference_counters (kind, year) {
        kind -> Text,
        year -> Int4,
        last -> Int4,
    }
}

diesel::table! {
    pending_posts (id) {
        id -> Uuid,
        token_hash -> Bytea,
        path -> Text,
        answers -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    rule_settings (id) {
        id -> Bool,
        rules -> Jsonb,
        updated_by -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(applications -> institutions (institution_id));
diesel::joinable!(section_versions -> applications (application_id));
diesel::joinable!(documents -> applications (application_id));
diesel::joinable!(section_versions -> users (saved_by));

diesel::table! {
    clock_events (application_id, seq) {
        application_id -> Uuid,
        seq -> Int4,
        phase -> Text,
        kind -> Text,
        on_date -> Date,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    review_notes (id) {
        id -> Uuid,
        application_id -> Uuid,
        section -> Nullable<Text>,
        author_id -> Uuid,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    section_outcomes (application_id, section) {
        application_id -> Uuid,
        section -> Text,
        outcome -> Text,
        decided_by -> Uuid,
        decided_at -> Timestamptz,
    }
}

diesel::table! {
    information_requests (id) {
        id -> Uuid,
        application_id -> Uuid,
        phase -> Text,
        sent_by -> Uuid,
        sent_on -> Date,
        due_on -> Date,
        answered_on -> Nullable<Date>,
        answer_note -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    information_request_items (id) {
        id -> Uuid,
        request_id -> Uuid,
        position -> Int4,
        target -> Text,
        question -> Text,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamptz>,
        status -> Text,
        follows -> Nullable<Uuid>,
    }
}

diesel::table! {
    consultations (id) {
        id -> Uuid,
        application_id -> Uuid,
        body -> Text,
        question -> Text,
        due_on -> Date,
        sent_by -> Uuid,
        sent_at -> Timestamptz,
        opinion -> Nullable<Text>,
        reasons -> Nullable<Text>,
        opinion_by -> Nullable<Uuid>,
        opinion_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    decision_proposals (id) {
        id -> Uuid,
        application_id -> Uuid,
        outcome -> Text,
        reasons -> Text,
        conditions -> Nullable<Text>,
        proposed_by -> Uuid,
        proposed_at -> Timestamptz,
        decision -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        registration_number -> Nullable<Text>,
    }
}

diesel::table! {
    register_entries (registration_number) {
        registration_number -> Text,
        application_id -> Uuid,
        institution_id -> Uuid,
        legal_name_ko -> Text,
        legal_name_en -> Text,
        lei -> Nullable<Text>,
        business_registration_number -> Text,
        address -> Text,
        website -> Text,
        token_name -> Text,
        ticker -> Text,
        reference_currency -> Text,
        white_paper_url -> Text,
        white_paper_version -> Text,
        registered_on -> Date,
        status -> Text,
        status_since -> Date,
        conditions -> Nullable<Text>,
        latest_attestation_on -> Nullable<Date>,
        latest_coverage_bp -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    register_deployments (registration_number, chain, contract_address) {
        registration_number -> Text,
        chain -> Text,
        contract_address -> Text,
    }
}

diesel::table! {
    register_events (seq) {
        seq -> Int8,
        registration_number -> Text,
        occurred_at -> Timestamptz,
        status -> Text,
        effective_on -> Date,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    register_generation (only_row) {
        only_row -> Bool,
        generation -> Uuid,
        entries -> Int8,
    }
}

diesel::joinable!(register_deployments -> register_entries (registration_number));
diesel::joinable!(register_events -> register_entries (registration_number));
diesel::joinable!(information_request_items -> information_requests (request_id));

diesel::table! {
    application_state_counts (state) {
        state -> Text,
        count -> Int8,
    }
}
