/**
 * @vlmeval/native (public API declared here; being built).
 *
 * @module
 */
export {};
