review-phase-completeness = 완결성 검토
review-phase-assessment = 본심사
review-clock-day-counted = 근무일(기간 산입)
review-clock-day-weekend = 주말
review-clock-day-holiday = 공휴일
review-clock-day-stopped = 기간 정지
review-request-days-too-few = 답변 기한은 1근무일 이상으로 정해 주십시오.
review-request-days-too-many = 답변 기한은 최대 20근무일까지 정할 수 있습니다.
