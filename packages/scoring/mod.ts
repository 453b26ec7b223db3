/**
 * @vlmeval/scoring (public API declared here; being built).
 *
 * @module
 */
export {};
