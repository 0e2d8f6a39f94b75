import Kit
import Postgres
import Audit
import Logging

// Placeholder while issue 16 lands the module.
