// Command ferretdb runs an embedded FerretDB 1.x so that the project's development
// and test runs have a real MongoDB-wire server where no MongoDB is installed. It
// stores in SQLite files (-data) or in a PostgreSQL database (-postgresql-url),
// whose backend turns top-level scalar equalities into SQL. It is started by
// tools/infra, never in production.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "", "directory for the SQLite databases (this or -postgresql-url)")
	postgresURL := flag.String("postgresql-url", os.Getenv("FERRETDB_POSTGRESQL_URL"),
		"PostgreSQL database to store in (this or -data; default $FERRETDB_POSTGRESQL_URL, which keeps its password out of ps)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()
	if (*dataDir == "") == (*postgresURL == "") {
		log.Fatal("exactly one of -data and -postgresql-url is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		log.Fatalf("-log-level: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Logger: logger}
	if *postgresURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresURL
	} else {
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + *dataDir + "/"
	}

	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
