import Gates
import Kit
import Crypto
import Audit
import Postgres

// Placeholder while issue 16 lands the module.
