package common

const (
	ServerVersionUnknown = "unknown"

	// TimeseriesBucketPrefix is the prefix for timeseries collections; note that this includes the
	// trailing period.
	TimeseriesBucketPrefix = "system.buckets."
)
