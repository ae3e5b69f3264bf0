/** Task is what a model does: the kind of prediction it makes and the metrics that judge it. */
export type Task = 'binary' | 'multiclass' | 'regression' | 'ranking' | 'forecast';
export const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression', 'ranking', 'forecast'];
