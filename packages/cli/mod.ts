/**
 * @vlmeval/cli (public API declared here; being built).
 *
 * @module
 */
export {};
