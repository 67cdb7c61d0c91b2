#!/usr/bin/env python
from shoumen.cli import main

if __name__ == "__main__":
    main()
