PREFIX ?= /usr/local
DOCDIR = $(PREFIX)/share/doc/frob

install:
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	install -m 755 frob $(DESTDIR)$(PREFIX)/bin/frob
