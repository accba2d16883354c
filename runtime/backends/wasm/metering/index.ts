export { METER_IMPORT, type MeterOptions, meter } from './meter.js';
export { MeterClock, TICKS_PER_CHECK } from './meter-clock.js';
