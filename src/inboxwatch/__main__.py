from inboxwatch.cli import main

raise SystemExit(main())
