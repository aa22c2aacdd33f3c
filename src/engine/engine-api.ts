// The engine's public surface, declared once: the worker exposes it, the page's client is typed from it.
// Names of the result tables the page can ask the engine to export.

/** The result tables the page can export. */
export type ResultTable = 'departments' | 'drgs' | 'dip';
/** The payment breakdowns the page can export. */
export type PaymentTable = 'hospitals' | 'departments' | 'mdcs' | 'groups';
