review-phase-completeness = Completeness check
review-phase-assessment = Assessment
review-clock-day-counted = Working day, counted
review-clock-day-weekend = Weekend
review-clock-day-holiday = Public holiday
review-clock-day-stopped = Clock stopped
review-request-days-too-few = Give at least 1 working day to answer.
review-request-days-too-many = Give at most 20 working days to answer.
