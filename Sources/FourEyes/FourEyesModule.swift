/// The four-eyes step and approval flow (issue 7). Placeholder until the module lands.
enum FourEyesModule {}
