// CONTRACT (to be implemented): intstr.IntOrString and percentage scaling.
export type IntOrString = number | string;
