/**
 * The order service's part of the demo data: nothing is seeded, and the module has no
 * `seedDemoData`. Each service seeds only its own database, and an order never stands alone:
 * a PENDING_PAYMENT order needs a held reservation in the warehouse service, a PAID one the
 * COMMIT rows of the warehouse's ledger. The demo's orders are the ones its buyer places
 * against the demo catalogue and stock (README, "Calling it"), which stay as @wms/demo lists them.
 */
export {};
