import Kit

// Placeholder while issue 17 lands the module.
