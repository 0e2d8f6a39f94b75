// Background workers: reconcile, canary escalation (issue 5).
