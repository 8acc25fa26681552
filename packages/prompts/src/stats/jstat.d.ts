/** The part of jStat (which ships no types) that the significance tests use. */
declare module 'jstat' {
  const jStat: {
    normal: { cdf(x: number, mean: number, std: number): number };
    studentt: { cdf(x: number, dof: number): number };
  };
  export default jStat;
}
