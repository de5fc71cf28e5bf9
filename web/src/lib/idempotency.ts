// Idempotency keys: one per thing the person means to create, kept across
// retries of it, so a retried request never makes a second one.

export const newKey = () => crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
