/** The shop service reads only the common variables (libs/service). */
export const shopConfigSpec = {};
