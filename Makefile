# A thin wrapper: everything is in .ci/setup and CMake.
.PHONY: all run test clean
all: run
run:
	sh .ci/setup run
test:
	sh .ci/setup test
clean:
	rm -rf build output
