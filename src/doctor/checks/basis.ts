/** How most summary counts are found (the `basis` of a summary line). */
export const STORE_BASIS = 'set-based query over the store';
