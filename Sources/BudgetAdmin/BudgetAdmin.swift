// Budget admin API: overrides, limits, status (issue 5).
