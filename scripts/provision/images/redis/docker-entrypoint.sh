#!/bin/sh
set -e
# Like the official redis image's entrypoint.
# first arg is `-f` or `--some-option`, or a .conf file: run redis-server with it
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

# allow the container to be started with `--user`; as root: own /data, then drop to redis
if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

# The official image builds redis with protected mode off (it is pointless in a container);
# Debian's binary defaults to on, so set it off here, after a config file (if any) and before the
# other options, so that an explicit `--protected-mode yes` still wins.
if [ "$1" = 'redis-server' ]; then
  shift
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    conf=$1
    shift
    set -- redis-server "$conf" --protected-mode no "$@"
  else
    set -- redis-server --protected-mode no "$@"
  fi
fi

um=$(umask)
if [ "$um" = '0022' ]; then
  umask 0077
fi

exec "$@"
