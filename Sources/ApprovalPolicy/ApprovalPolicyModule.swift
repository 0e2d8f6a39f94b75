/// The four-eyes policy (issue 7), evaluated in process and by OPA. Placeholder until the module lands.
enum ApprovalPolicyModule {}
