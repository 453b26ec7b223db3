/**
 * @vlmeval/report (public API declared here; being built).
 *
 * @module
 */
export {};
