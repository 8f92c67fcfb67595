package util

const (
	MongoDBInternalDBPrefix = "__mdb_internal"
)
