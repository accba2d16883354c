export { METER_IMPORT, meter } from './meter.js';
export { MeterClock, TICKS_PER_CHECK } from './meter-clock.js';
